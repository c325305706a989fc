"""Spiders: navigation only. They decide which URLs to request; the pipelines extract."""
