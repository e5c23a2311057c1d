# A function is its handler module alone, with its .pyc. Each function's Makefile (built by
# `sam build`, BuildMethod: makefile, which runs it by its path from a scratch copy of the
# folder) includes this file and makes its build target depend on `handler`.
include $(dir $(lastword $(MAKEFILE_LIST)))../python313.mk

.PHONY: handler
handler:
	$(call NEED_PYTHON313,A function's handler is compiled)
	cp app.py "$(ARTIFACTS_DIR)/"
	$(COMPILE313) "$(ARTIFACTS_DIR)/app.py"
