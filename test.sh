#!/usr/bin/env bash
# The test command: installs the peers the tests talk to when they are missing (Debian/Ubuntu, as root or
# through sudo), then runs every test project. Arguments go to `dotnet test` (e.g. --filter Name~Relay).
#   ./test.sh                      install what is missing, run everything
#   ./test.sh --no-install ...     run only (a machine where apt-get is not wanted)
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<'USAGE'
Usage: ./test.sh [--no-install] [dotnet test options...]
  Installs the test peers that are missing (Debian/Ubuntu packages, through sudo when not root), then runs
  `dotnet test Gateway.sln --logger trx --results-directory TestResults` with the options given, e.g.
    ./test.sh --filter FullyQualifiedName~Relay
  --no-install   never call apt-get (tests whose peer is missing fail)
  -h, --help     this text (`dotnet test --help` lists dotnet's own options)
USAGE
}

# Our own options may stand anywhere among dotnet's; everything else goes to `dotnet test` unchanged.
install=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    -h|--help|-\?|/\?) usage; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done

command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 2; }

# One line per peer: the check, then the Debian packages that give it.
missing=()
command -v swaks >/dev/null 2>&1 || missing+=(swaks libnet-ssleay-perl libio-socket-inet6-perl libauthen-sasl-perl)
[ -x /usr/sbin/smtp-source ] || missing+=(postfix)
command -v pdfsig >/dev/null 2>&1 || missing+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$install" -eq 0 ]; then
    echo "test.sh: not installing (--no-install): ${missing[*]}; tests that need them fail" >&2
  elif ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: missing ${missing[*]} and no apt-get here: install them with your package manager" >&2
  else
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "Installing test peers: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "test.sh: apt-get could not install ${missing[*]}" >&2
  fi
fi
swaks --support 2>&1 | grep -q "=== TLS supported" || echo "warning: swaks lacks TLS support (libnet-ssleay-perl)"

exec dotnet test Gateway.sln --logger trx --results-directory TestResults ${args[@]+"${args[@]}"}
