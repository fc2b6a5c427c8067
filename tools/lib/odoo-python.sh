# Sourced by tools/odoo-tier.sh and tools/bench-odoo.sh: installs requirements-odoo.txt
# into the Python interpreter that runs Odoo. That interpreter is ODOO_PYTHON when set,
# else the one the `odoo` executable runs: its shebang, or the interpreter a wrapper
# script execs (`exec /path/to/python /path/to/odoo-bin "$@"`).
odoo_python() {
    local bin=$1 path first
    if [ -n "${ODOO_PYTHON:-}" ]; then echo "$ODOO_PYTHON"; return; fi
    path=$(command -v "$bin") || return 1
    first=$(head -n 1 "$path")
    case "$first" in
        "#!"*env*python*) command -v "$(echo "${first#\#!}" | awk '{print $2}')"; return ;;
        "#!"*python*) echo "${first#\#!}" | awk '{print $1}'; return ;;
    esac
    # A shell wrapper: the first word after exec that looks like a python.
    grep -oE '(^|[[:space:]])exec[[:space:]]+[^[:space:]]*python[0-9.]*' "$path" | head -n 1 \
        | awk '{print $NF}'
}

odoo_python_deps() {
    local bin=$1 repo=$2 py
    py=$(odoo_python "$bin")
    if [ -z "$py" ] || ! "$py" -c 'import sys' 2>/dev/null; then
        echo "cannot find the Python that runs $bin: set ODOO_PYTHON" >&2
        return 1
    fi
    "$py" -m pip install --quiet --disable-pip-version-check -r "$repo/requirements-odoo.txt"
}
