"""Qt widgets, models and the replay pane."""
