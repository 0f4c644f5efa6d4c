"""The scoreboard (计分牌): the monthly arena (月打擂), SUPERVISION.md "Scoreboard"."""
