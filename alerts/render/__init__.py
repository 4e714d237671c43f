"""Pure rendering of alerts: email text and HTML, webhook JSON, Slack messages."""
