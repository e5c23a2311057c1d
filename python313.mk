# Python 3.13, the Lambda runtime's version, which compiles what `make build` ships and runs
# `make bench`'s cold starts: `python3.13` on the PATH, pyenv's, or PYTHON313=/path/to/it.
# Included by the Makefile, the layer's and the functions' (functions/handler.mk).
PYTHON313 ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && { echo $$p; break; }; \
	done)
NEED_PYTHON313 = @test -n "$(PYTHON313)" || { echo "$(1) by Python 3.13 (the Lambda runtime's version), and no python3.13 was found: install it, or set PYTHON313=/path/to/python3.13." >&2; exit 1; }
# .pyc compiled by 3.13, unchecked-hash: Lambda's /opt and /var/task are read-only, so what
# ships without them is compiled again at every cold start, and the zip's timestamps
# (2-second steps) must not make Python think the sources changed
COMPILE313 = "$(PYTHON313)" -m compileall -q -j 0 --invalidation-mode unchecked-hash
