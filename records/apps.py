from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Learner records and POPIA"

    def ready(self):
        from classes.roles import grant_after_migrate
        from learners import access as learners_access
        from records.access import log_access
        from records.roles import ensure_records_roles

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(self, model="records.AccessLog", ensure=ensure_records_roles)
        # The apps below write to the access log through learners.access.
        learners_access.plug_in(log_access)
