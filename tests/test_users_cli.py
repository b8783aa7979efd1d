"""`esi-docs users` (issue 15): add (asked twice or from stdin), list, disable, passwd; the
password never appears in any output; and serve needs accounts beyond loopback."""

from __future__ import annotations

import pytest

from esi_docs.records.accounts import Accounts

SECRET = "a long secret phrase"  # noqa: S105 - a test account


def test_add_from_stdin_then_list(run_cli, database):
    result = run_cli(
        "users",
        "add",
        "joy",
        "--role",
        "nurse",
        "--password-stdin",
        "--audit-db",
        database,
        input=SECRET + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert Accounts(database).authenticate("joy", SECRET) is not None
    listed = run_cli("users", "list", "--audit-db", database)
    assert listed.stdout.splitlines() == ["name\trole\tstate", "joy\tnurse\tactive"]
    assert SECRET not in result.output + listed.output


def test_add_asks_twice_and_refuses_a_mismatch(run_cli, private_audit_db):
    ok = run_cli("users", "add", "ada", "--role", "admin", input=f"{SECRET}\n{SECRET}\n")
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("Password") == 1 and "Repeat the password" in ok.output
    assert SECRET not in ok.output
    mismatch = run_cli(
        "users", "add", "bo", "--role", "nurse", input=f"{SECRET}\nother one!!\n" * 1
    )
    assert mismatch.exit_code != 0
    assert Accounts(private_audit_db).get("bo") is None


def test_disable_and_passwd(run_cli, database):
    run_cli(
        "users",
        "add",
        "joy",
        "--role",
        "nurse",
        "--password-stdin",
        "--audit-db",
        database,
        input=SECRET + "\n",
    )
    new = "another long phrase"
    result = run_cli(
        "users", "passwd", "joy", "--password-stdin", "--audit-db", database, input=new + "\n"
    )
    assert result.exit_code == 0, result.stderr
    store = Accounts(database)
    assert store.authenticate("joy", SECRET) is None and store.authenticate("joy", new)
    assert run_cli("users", "disable", "joy", "--audit-db", database).exit_code == 0
    assert store.authenticate("joy", new) is None
    assert "joy\tnurse\tdisabled" in run_cli("users", "list", "--audit-db", database).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("add", "joy nurse", "--role", "nurse", "--password-stdin"),
            "account name 'joy nurse': use 1 to 60",
        ),
        (("passwd", "nobody", "--password-stdin"), "account 'nobody' does not exist"),
        (("disable", "nobody"), "account 'nobody' does not exist"),
    ],
)
def test_bad_requests_are_one_line_exit_2(run_cli, args, message):
    result = run_cli("users", *args, input=SECRET + "\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"esi-docs: error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_short_password_is_refused(run_cli, private_audit_db):
    result = run_cli("users", "add", "joy", "--role", "nurse", "--password-stdin", input="Qz7x\n")
    assert result.exit_code == 2
    assert "password: use 10 to 256 characters" in result.stderr
    assert "Qz7x" not in result.output
    assert not Accounts(private_audit_db).any()


def test_serve_beyond_loopback_without_accounts_refuses_to_start(run_cli):
    result = run_cli("serve", "--host", "0.0.0.0")  # noqa: S104
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "esi-docs: error: --host 0.0.0.0: listening beyond this PC needs accounts; add one with "
        "`esi-docs users add NAME --role admin` (without accounts: --host 127.0.0.1)"
    ]
