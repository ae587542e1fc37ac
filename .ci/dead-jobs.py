"""Delete from a bench's queue Redis the background jobs of sites that are no longer on the bench
(see ``ar_control.tests.processes.drop_jobs_of_missing_sites``). Run from the bench's sites folder
with the bench's Python: ../env/bin/python dead-jobs.py
"""

import json
from pathlib import Path

from ar_control.tests.processes import drop_jobs_of_missing_sites

config = json.loads(Path("common_site_config.json").read_text())
dropped = drop_jobs_of_missing_sites(config.get("redis_queue") or "redis://127.0.0.1:11000", ".")
print(f"queue: {dropped} pending jobs of sites no longer on the bench removed")
