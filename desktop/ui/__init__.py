"""Windows, views and panels: dumb views over the models."""
