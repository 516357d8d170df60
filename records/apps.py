from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Learner records and POPIA"

    def ready(self):
        from classes.roles import grant_after_migrate
        from records.roles import ensure_records_roles

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(self, model="records.AccessLog", ensure=ensure_records_roles)
