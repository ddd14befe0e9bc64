"""Running ogmonitor in production: the web and worker commands, health check, structured logs."""
