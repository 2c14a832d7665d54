"""Replay a trial's history week by week, with nothing from the future: whom the weekly call list would have reached."""
