"""Purchasing groups: the tree, agents, capacity audits."""
