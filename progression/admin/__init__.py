"""The office admin for the programme catalogue, progressions and the hours log.

Importing the modules registers their admins (Django's autodiscover imports this
package).
"""

from progression.admin import catalogue, hours_log, progressions, status_history

__all__ = ["catalogue", "hours_log", "progressions", "status_history"]
