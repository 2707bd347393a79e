"""Helpers of tasks/build.py: reading app specs, rendering screens, gold scripts, splits and verification."""
