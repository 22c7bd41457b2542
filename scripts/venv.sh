# Sourced by run.sh and test.sh: make .venv with Python 3.11+ and install a requirements file into it,
# again only when that file or constraints.txt changed since the last install.
requirements="$1"
python_bin="${PYTHON:-python3}"
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
# a .venv without pip (an earlier attempt without ensurepip) is made again
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  if ! "$python_bin" -m venv .venv; then
    rm -rf .venv
    echo "Could not create .venv: this Python lacks the venv module (on Debian/Ubuntu: apt-get install python3-venv)." >&2
    exit 1
  fi
fi
stamp=".venv/.installed-$(basename "$requirements" .txt)"
digest=$(cat "$requirements" requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements" -c constraints.txt
  echo "$digest" > "$stamp"
fi
