"""The scoreboard's pure rules (no Django): the monthly arena's tally and bundle."""
