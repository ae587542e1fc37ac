"""Delete from a bench's queue Redis the background jobs of sites that are no longer on the bench.

That Redis keeps its data across restarts and every site of the bench shares it, so each site the
CI drops leaves its pending jobs there. They can never run, yet Frappe counts them: past a limit
it refuses to enqueue (Frappe 16: "Too many queued background jobs"), and a worker that meets one
in its clean-up quits. Run from the bench's sites folder with the bench's Python:
../env/bin/python dead-jobs.py
"""

import json
from pathlib import Path

import redis

SEPARATORS = ("::", "||")  # a job id is SITE::ID (Frappe 15) or SITE||ID (Frappe 16)


def site_of(job_id: str) -> str | None:
	for separator in SEPARATORS:
		if separator in job_id:
			return job_id.split(separator, 1)[0]
	return None


def main() -> int:
	sites = {path.parent.name for path in Path(".").glob("*/site_config.json")}
	config = json.loads(Path("common_site_config.json").read_text())
	queue = redis.Redis.from_url(config.get("redis_queue") or "redis://127.0.0.1:11000")

	def dead(entry: bytes) -> bool:
		site = site_of(entry.decode())
		return site is not None and site not in sites

	dropped = 0
	for key in queue.scan_iter("rq:*"):
		kind = queue.type(key)
		if key.startswith(b"rq:job:"):
			if dead(key[len(b"rq:job:") :]):
				queue.delete(key)
		elif kind == b"list":
			for entry in queue.lrange(key, 0, -1):
				if dead(entry):
					dropped += queue.lrem(key, 0, entry)
		elif kind == b"zset":
			for entry in queue.zrange(key, 0, -1):
				if dead(entry):
					queue.zrem(key, entry)
	print(f"queue: {dropped} pending jobs of sites no longer on the bench removed")
	return 0


if __name__ == "__main__":
	raise SystemExit(main())
