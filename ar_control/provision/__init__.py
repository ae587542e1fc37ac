"""Bad-debt provision in ERPNext: the Provision Run and its Journal Entry, specific provisions,
the write-off through the allowance. A company's policy is read from the settings
(:mod:`ar_control.settings`); the rules themselves are in :mod:`ar_control.core.provision`."""
