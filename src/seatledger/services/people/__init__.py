"""People and access: who the caller is, sign-up, tokens, admin grants, passwords."""
