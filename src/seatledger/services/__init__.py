"""Use cases: each public function opens one unit of work, checks permissions, commits."""
