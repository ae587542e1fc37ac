"""Bad-debt provision in ERPNext: the policy, the Provision Run and its Journal Entry, the
write-off through the allowance. The rules themselves are in :mod:`ar_control.core.provision`."""
