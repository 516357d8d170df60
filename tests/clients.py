"""The Django test client as a browser sends forms: with the form's one-time key."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client

from submissions.keys import FIELD_NAME, issue_key


class FormClient(Client):
    """A POST carries the submission key its form would have carried (issued to the
    logged-in user for the URL posted to, as the page at that URL issues it), unless
    the test sends its own `submission_key` or none is logged in. Tests of keyless,
    forged and replayed submits set the field themselves or use a plain Client."""

    def post(self, path, data=None, *args, **kwargs):
        data = {} if data is None else data
        if isinstance(data, dict) and FIELD_NAME not in data:
            user_id = self.session.get(SESSION_KEY)
            if user_id is not None:
                user = get_user_model().objects.get(pk=user_id)
                key = issue_key(user=user, purpose=urlsplit(str(path)).path)
                data = {**data, FIELD_NAME: key}
        return super().post(path, data, *args, **kwargs)
