"""One loader module per domain; :mod:`ogmonitor.demo.services` runs them in order.

A loader reads its data files from ``ogmonitor/demo/data/`` and writes them with
``update_or_create`` on natural keys, so loading twice leaves the database as loading once.
"""
