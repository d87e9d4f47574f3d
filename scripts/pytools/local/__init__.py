"""Tools of the local stack (scripts/up, scripts/local/): dataset, feed, topic retention, database ping,
dashboard samples."""
