"""2-3 我的报名: plans, certificates, proofs, the pledge and submission."""
