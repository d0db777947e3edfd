"""Evals: grader agreement and retrieval recall, run by `tutor eval` and in CI."""
