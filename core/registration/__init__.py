"""Steps 2-3, 我的报名: registering for a plan, certificates and proofs, and the eligibility rules."""
