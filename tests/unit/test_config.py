"""Settings: every missing or bad value stops start-up with a message naming it."""

import pytest

from app import create_app
from app.config import CURRENT_USER_SCOPES, MY_ACCOUNT_SCOPES, ConfigError, load_settings

GOOD = {
    "AUTH0_DOMAIN": "example.eu.auth0.com",
    "AUTH0_CLIENT_ID": "abc123",
    "APP_SECRET_KEY": "x" * 40,
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    # The process environment and a .env in the working directory must not leak in.
    for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "APP_SECRET_KEY",
                 "AUTH0_FLOW", "AUTH0_SCOPES", "PUBLIC_URL", "SESSION_TYPE", "REDIS_URL",
                 "REDIS_CLUSTER_NODES", "DATA_DIR", "SESSION_DIR",
                 "EMBED_ALLOWED_ORIGINS", "METADATA_SCHEMA", "SESSION_IDLE_TIMEOUT",
                 "SESSION_ABSOLUTE_TIMEOUT", "HTTP_TIMEOUT", "AUTH_TRANSACTION_TTL",
                 "ALLOW_INSECURE_HTTP", "STEP_UP_MAX_AGE", "ACTIVITY_RETENTION_DAYS",
                 "AUTH0_PASSKEY_RP_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_for_a_hosted_tenant():
    settings = load_settings(GOOD)
    assert settings.tenant_url == "https://example.eu.auth0.com"
    assert settings.issuer == "https://example.eu.auth0.com/"
    assert settings.audience == "https://example.eu.auth0.com/api/v2/"
    assert settings.client_secret is None
    assert settings.flow == "code"
    assert settings.scopes == CURRENT_USER_SCOPES
    assert settings.session_type == "sqlite"
    assert settings.data_dir == "var"
    assert settings.redis_cluster_nodes == ()
    assert settings.public_url == "http://localhost:8000"
    assert (settings.idle_timeout, settings.absolute_timeout) == (30 * 60, 12 * 60 * 60)
    assert (settings.http_timeout, settings.transaction_ttl) == (10.0, 5 * 60)
    assert settings.step_up_max_age == 300
    assert settings.activity_retention_days == 90


def test_local_tenant_url_is_allowed_on_loopback():
    settings = load_settings({**GOOD, "AUTH0_DOMAIN": "http://127.0.0.1:3001/"})
    assert settings.issuer == "http://127.0.0.1:3001/"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("AUTH0_DOMAIN", "", "AUTH0_DOMAIN"),
        ("AUTH0_DOMAIN", "http://evil.example.com", "AUTH0_DOMAIN"),
        ("AUTH0_DOMAIN", "https://example.auth0.com/some/path", "AUTH0_DOMAIN"),
        ("AUTH0_CLIENT_ID", "", "AUTH0_CLIENT_ID"),
        ("APP_SECRET_KEY", "short", "APP_SECRET_KEY"),
        ("AUTH0_FLOW", "hybrid", "AUTH0_FLOW"),
        ("AUTH0_SCOPES", "read:users", "AUTH0_SCOPES"),
        ("PUBLIC_URL", "not a url", "PUBLIC_URL"),
        ("SESSION_TYPE", "memcached", "SESSION_TYPE"),
        ("REDIS_CLUSTER_NODES", "127.0.0.1:7000", "REDIS_CLUSTER_NODES"),
        ("SESSION_DIR", "/srv/sessions", "DATA_DIR"),
        ("EMBED_ALLOWED_ORIGINS", "https://ok.example https://bad.example/path",
         "EMBED_ALLOWED_ORIGINS"),
        ("METADATA_SCHEMA", "/nonexistent/schema.json", "METADATA_SCHEMA"),
        ("SESSION_IDLE_TIMEOUT", "-5", "SESSION_IDLE_TIMEOUT"),
        ("STEP_UP_MAX_AGE", "five minutes", "STEP_UP_MAX_AGE"),
        ("STEP_UP_MAX_AGE", "0", "STEP_UP_MAX_AGE"),
        ("ACTIVITY_RETENTION_DAYS", "ninety", "whole number of days"),
    ],
)
def test_bad_value_names_the_variable(name, value, named):
    with pytest.raises(ConfigError, match=named):
        load_settings({**GOOD, name: value})


def test_the_removed_filesystem_store_stops_start_up_and_suggests_sqlite():
    with pytest.raises(ConfigError, match="SESSION_TYPE=filesystem .*SESSION_TYPE=sqlite"):
        load_settings({**GOOD, "SESSION_TYPE": "filesystem"})


def test_data_dir_must_be_a_folder(tmp_path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ConfigError, match="DATA_DIR=.*is a file"):
        load_settings({**GOOD, "DATA_DIR": str(tmp_path / "a-file")})


def test_an_unwritable_data_dir_stops_start_up(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    (locked / "selfserve.sqlite3").mkdir()  # even root cannot open a folder as a database
    with pytest.raises(ConfigError, match="DATA_DIR=.*cannot hold the store"):
        create_app({**GOOD, "DATA_DIR": str(locked)})


@pytest.mark.parametrize(
    ("value", "nodes"),
    [("127.0.0.1:7000,127.0.0.1:7001", (("127.0.0.1", 7000), ("127.0.0.1", 7001))),
     ("redis-a:6379 [::1]:6380", (("redis-a", 6379), ("::1", 6380)))],
)
def test_redis_cluster_nodes_are_read(value, nodes):
    settings = load_settings({**GOOD, "SESSION_TYPE": "redis", "REDIS_CLUSTER_NODES": value})
    assert settings.redis_cluster_nodes == nodes


@pytest.mark.parametrize("value", ["127.0.0.1", "host:port", ":7000", "h:70000"])
def test_a_bad_cluster_node_names_the_variable(value):
    with pytest.raises(ConfigError, match="REDIS_CLUSTER_NODES holds"):
        load_settings({**GOOD, "SESSION_TYPE": "redis", "REDIS_CLUSTER_NODES": value})


def test_an_unreachable_redis_cluster_stops_start_up_naming_the_setting():
    from tests.support.servers import free_port

    with pytest.raises(ConfigError, match="REDIS_CLUSTER_NODES=127.0.0.1:.*no node"):
        create_app({**GOOD, "SESSION_TYPE": "redis", "HTTP_TIMEOUT": "1",
                    "REDIS_CLUSTER_NODES": f"127.0.0.1:{free_port()}"})


def test_create_app_refuses_to_start_with_bad_configuration():
    with pytest.raises(ConfigError, match="AUTH0_CLIENT_ID"):
        create_app({**GOOD, "AUTH0_CLIENT_ID": ""})


def test_dotenv_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(
        "AUTH0_DOMAIN=from-dotenv.auth0.com\nAUTH0_CLIENT_ID=dotenv-client\n"
        f"APP_SECRET_KEY={'y' * 40}\n"
    )
    monkeypatch.setenv("AUTH0_CLIENT_ID", "from-environment")
    settings = load_settings()
    assert settings.tenant_url == "https://from-dotenv.auth0.com"
    assert settings.client_id == "from-environment"


def test_scopes_are_a_chosen_subset():
    scopes = "read:current_user,update:current_user_metadata"
    settings = load_settings({**GOOD, "AUTH0_SCOPES": scopes})
    assert settings.scopes == ("read:current_user", "update:current_user_metadata")


@pytest.mark.parametrize(
    "url", ["http://account.example.com", "http://10.0.0.5:8000", "http://localhost.example.com",
            "http://[2001:db8::1]:8000"],
)
def test_plain_http_on_a_real_host_is_refused(url):
    """Over http cookies are neither Secure nor __Host-: a page on another port or
    subdomain could plant a session cookie. Only loopback may run without TLS."""
    with pytest.raises(ConfigError, match="PUBLIC_URL.*ALLOW_INSECURE_HTTP"):
        load_settings({**GOOD, "PUBLIC_URL": url})
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app({**GOOD, "PUBLIC_URL": url})


@pytest.mark.parametrize(
    "url", ["http://localhost:8000", "http://127.0.0.1:8000", "http://127.1.2.3",
            "http://[::1]:8000", "https://account.example.com"],
)
def test_https_or_loopback_is_accepted(url):
    settings = load_settings({**GOOD, "PUBLIC_URL": url})
    assert settings.public_url == url
    assert settings.allow_insecure_http is False


def test_the_lab_opt_out_allows_plain_http_and_says_so():
    settings = load_settings(
        {**GOOD, "PUBLIC_URL": "http://account.example.com", "ALLOW_INSECURE_HTTP": "1"}
    )
    assert settings.public_url == "http://account.example.com"
    assert settings.allow_insecure_http and not settings.secure_cookies


def test_the_opt_out_takes_only_a_yes_or_no():
    with pytest.raises(ConfigError, match="ALLOW_INSECURE_HTTP"):
        load_settings({**GOOD, "ALLOW_INSECURE_HTTP": "please"})


def test_the_my_account_api_is_used_by_default_with_all_its_scopes():
    settings = load_settings(GOOD)
    assert settings.my_account == "auto"
    assert settings.my_account_scopes == MY_ACCOUNT_SCOPES
    assert settings.my_account_audience == settings.issuer + "me/"


def test_my_account_can_be_turned_off_and_narrowed():
    settings = load_settings({**GOOD, "AUTH0_MYACCOUNT": "off",
                              "AUTH0_MYACCOUNT_SCOPES": "read:me:factors, read:me:factors"})
    assert settings.my_account == "off"
    assert settings.my_account_scopes == ("read:me:factors",)


@pytest.mark.parametrize(("name", "value", "named"), [
    ("AUTH0_MYACCOUNT", "sometimes", "AUTH0_MYACCOUNT='sometimes'"),
    ("AUTH0_MYACCOUNT_SCOPES", "read:current_user", "read:current_user"),
])
def test_a_wrong_my_account_setting_is_refused_by_name(name, value, named):
    with pytest.raises(ConfigError, match=named):
        load_settings({**GOOD, name: value})


def test_the_passkey_rp_id_defaults_to_none_and_takes_a_host_name():
    assert load_settings(GOOD).passkey_rp_id is None
    assert load_settings({**GOOD, "AUTH0_PASSKEY_RP_ID": " Example.COM "}).passkey_rp_id == (
        "example.com")
    assert load_settings({**GOOD, "AUTH0_PASSKEY_RP_ID": "localhost"}).passkey_rp_id == (
        "localhost")


@pytest.mark.parametrize(("value", "says"), [
    ("https://example.com", "not a host name"),
    ("example.com:443", "not a host name"),
    ("example.com/login", "not a host name"),
    ("127.0.0.1", "is an IP address"),
    ("exa_mple.com", "not a host name"),
    ("-example.com", "not a host name"),
    ("example..com", "not a host name"),
    ("com", "single label"),
])
def test_a_bad_passkey_rp_id_is_refused_with_the_fix(value, says):
    with pytest.raises(ConfigError, match="AUTH0_PASSKEY_RP_ID") as refused:
        load_settings({**GOOD, "AUTH0_PASSKEY_RP_ID": value})
    assert says in str(refused.value)
    assert "no scheme, port or path" in str(refused.value)
