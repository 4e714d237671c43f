"""The editors' desk: web pages to browse incidents and correct the bot (``oiswatch web``).

``desk.app.create_app`` builds the Starlette application; ``desk.server`` serves it.
"""
