# spkiosk build. `make` builds build/spkiosk; `make run` and `make check` also
# install what is missing (scripts/deps.sh). See README.md.
#
# Variants share this file: `make BUILD=build/asan SAN=1` builds the same
# sources with ASan+UBSan into their own folder, which is what check-asan does.

BUILD   ?= build
SAN     ?=
PKGS     = libmicrohttpd sqlite3 libcjson libcmark libsodium libqrencode zlib
CC      ?= cc
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -I$(BUILD)/gen
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lpthread -lm
ifeq ($(SAN),1)
# float-cast-overflow: not in gcc's "undefined" (it is in clang's, which
# found a double cast to int out of range in a request body)
CFLAGS  += -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined,float-cast-overflow
LDFLAGS += -fsanitize=address,undefined,float-cast-overflow
endif
ifeq ($(SAN),thread)
CFLAGS  += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
endif

SRC      = $(wildcard src/*.c)
LIBSRC   = $(filter-out src/main.c,$(SRC))
OBJ      = $(LIBSRC:src/%.c=$(BUILD)/obj/%.o)
GEN_OBJ  = $(BUILD)/obj/gen_assets.o $(BUILD)/obj/gen_migrations.o $(BUILD)/obj/gen_repairs.o \
           $(BUILD)/obj/gen_pinyin.o
# Mandarin readings for pinyin search, from Debian's unicode-data (Unihan).
UNIHAN   = /usr/share/unicode/Unihan_Readings.txt.bz2
WEB      = $(shell find web -type f 2>/dev/null | LC_ALL=C sort)
SCHEMA   = $(sort $(wildcard schema/*.sql))
REPAIRS  = $(sort $(wildcard schema/repair/*.sql))
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all install uninstall check-install deb deb-check run check check-asan check-tsan check-days check-valgrind fuzz fuzz-ci fuzz-depth deps deps-test deps-e2e unit api district e2e e2e-shots clean bench bench-attack measure
all: $(BUILD)/spkiosk

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj $(BUILD)/gen/.dir
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen_%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/libspk.a: $(OBJ) $(GEN_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/spkiosk: $(BUILD)/obj/main.o $(BUILD)/libspk.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The embed tool runs at build time only; it is built without sanitizers so a
# sanitized build does not need their runtime to generate its sources.
$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(CC) -std=c11 -O1 $(WARN) -o $@ $<

# The UI as embedded: scripts and stylesheets minified by Debian's esbuild
# (issue #13: the kiosk's first paint must stay within 50 KB with gzip, and
# comments are a third of the bytes); pages as written. The target is the
# syntax web/ already uses (ES2020: ?. and ??), so nothing newer is made;
# utf8 keeps Chinese strings as 3 bytes, not a 6-byte \uXXXX. A --web
# folder serves the files as written.
WEB_OUT  = $(WEB:web/%=$(BUILD)/web/%)
ESBUILD_BIN = /usr/bin/esbuild
ESBUILD  = $(ESBUILD_BIN) --minify --charset=utf8 --log-level=warning
$(BUILD)/web/%.js: web/%.js | $(ESBUILD_BIN)
	@mkdir -p $(@D)
	$(ESBUILD) --format=esm --target=es2020,chrome80,firefox74,safari13.1 --outfile=$@ $<
$(BUILD)/web/%.css: web/%.css | $(ESBUILD_BIN)
	@mkdir -p $(@D)
	$(ESBUILD) --target=chrome80,firefox74,safari13.1 --outfile=$@ $<
$(BUILD)/web/%: web/%
	@mkdir -p $(@D)
	cp $< $@
$(BUILD)/gen/assets.c: $(BUILD)/embed $(WEB_OUT) $(BUILD)/gen/web.list | $(BUILD)/gen/.dir
	$(BUILD)/embed assets $(BUILD)/web $(WEB_OUT) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.c: $(BUILD)/embed $(SCHEMA) $(BUILD)/gen/schema.list | $(BUILD)/gen/.dir
	$(BUILD)/embed migrations schema $(SCHEMA) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/repairs.c: $(BUILD)/embed $(REPAIRS) $(BUILD)/gen/repairs.list | $(BUILD)/gen/.dir
	$(BUILD)/embed repairs schema/repair $(REPAIRS) > $@.tmp && mv $@.tmp $@

# Each file above is made from a folder's listing, and a file deleted or
# renamed there (a rename keeps its time) makes no prerequisite newer: a dev
# build went on embedding a migration, a repair or a page that was gone. So
# each also depends on its listing, kept in a .list file rewritten only when
# the listing changes (as build_rev.h), so that an unchanged tree still
# rebuilds nothing.
define LIST_STAMP
@printf '%s\n' $(1) > $@.tmp; if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
endef
$(BUILD)/gen/web.list: FORCE | $(BUILD)/gen/.dir
	$(call LIST_STAMP,$(WEB))
$(BUILD)/gen/schema.list: FORCE | $(BUILD)/gen/.dir
	$(call LIST_STAMP,$(SCHEMA))
$(BUILD)/gen/repairs.list: FORCE | $(BUILD)/gen/.dir
	$(call LIST_STAMP,$(REPAIRS))

# The commit this build is made from (git describe; "-dirty" with local
# changes, "" outside a git checkout), for --version and build_info: every
# build says 0.1.0, and an IT officer could not tell which one a hall runs.
# Written only when it changes, so that an unchanged tree rebuilds nothing;
# kept when git cannot answer (`sudo make install` in a user's checkout:
# "dubious ownership"), so that the install neither rebuilds nor loses it.
$(BUILD)/gen/build_rev.h: FORCE | $(BUILD)/gen/.dir
	@if rev=$$(git describe --always --dirty --abbrev=12 --exclude '*' 2>/dev/null); then :; \
	elif [ -f $@ ]; then exit 0; else rev=; fi; \
	printf '#define SPK_BUILD_REV "%s"\n' "$$rev" > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/obj/main.o $(BUILD)/obj/metrics.o: $(BUILD)/gen/build_rev.h
.PHONY: FORCE
FORCE:

# The pinyin table (src/pinyin.c reads it) is generated from Unihan; a
# machine without unicode-data gets it installed as any other build need.
$(BUILD)/pinyin_gen: tools/pinyin_gen.c | $(BUILD)/obj
	$(CC) -std=c11 -O1 $(WARN) -o $@ $<

$(BUILD)/gen/pinyin.c: $(BUILD)/pinyin_gen $(UNIHAN) | $(BUILD)/gen/.dir
	bzcat $(UNIHAN) | $(BUILD)/pinyin_gen > $@.tmp && mv $@.tmp $@

$(UNIHAN) $(ESBUILD_BIN):
	@sh scripts/deps.sh build

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@
$(BUILD)/gen/.dir:
	mkdir -p $(@D) && touch $@

# Unit tests: one Criterion binary per tests/unit/*.c, linked against the
# library; the tests' own headers (casedb.h, dbtemplate.h…) rebuild them all.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libspk.a $(wildcard tests/unit/*.h) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $$(pkg-config --cflags criterion) -o $@ $< \
	  $(BUILD)/libspk.a $(LDFLAGS) $(LDLIBS) $$(pkg-config --libs criterion)

# The power-cut model of tests/api/powercut.test.mjs (tests/powercut/):
# plain builds even in a sanitized variant, never linked into spkiosk.
$(BUILD)/powercut.so: tests/powercut/powercut.c tests/powercut/powercut.h | $(BUILD)/obj
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fPIC -shared -o $@ $< -ldl -lpthread
$(BUILD)/powercut-undo: tests/powercut/undo.c tests/powercut/powercut.h | $(BUILD)/obj
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -o $@ $<

# Cheap Argon2id for the test daemons (tests/fasthash/fasthash.c says what
# it changes and what it leaves): a plain build even in a sanitized variant,
# never linked into spkiosk. None under TSan, whose daemons keep the real
# limits (tests/api/db-shortcuts.mjs uses it only where it is built).
FASTHASH_SO = $(if $(filter thread,$(SAN)),,$(BUILD)/fasthash.so)
$(BUILD)/fasthash.so: tests/fasthash/fasthash.c | $(BUILD)/obj
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $$(pkg-config --cflags libsodium) -fPIC -shared \
	  -o $@ $< $$(pkg-config --libs libsodium) -ldl

deps:
	@sh scripts/deps.sh build
deps-test:
	@sh scripts/deps.sh test
deps-e2e:
	@sh scripts/deps.sh e2e

# npm packages for the browser tests, exactly as package-lock.json says;
# playwright-core downloads no browser, Debian's chromium is used.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/spkiosk
	mkdir -p var
	$(BUILD)/spkiosk serve --listen 127.0.0.1:8080 --db var/spkiosk.db --procedures procedures

# Two binaries at a time (UNIT_JOBS=1 for one): 71 binaries took 23 s where
# one at a time took 43 s (2026-12-06); scripts/run-unit.sh says why it is
# safe. The ~300 tests that open a case database copy one migrated per run
# (tests/unit/dbtemplate.h): 72 binaries 37-38 s before, 22-26 s after, on
# a fresh clone at load 2 (2026-12-07).
unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

# HTTP and CLI tests run the real binary; SPKIOSK_BIN lets check-asan point
# them at the sanitized one. Four files at a time: each starts its own
# daemons on port 0 in its own temporary folder, and most of their time is
# waiting (settle delays, idle and throttle clocks, Argon2): 1,305 tests
# took 166 s two at a time with the two cores half idle, 117 s three and
# 103 s four at a time; under ASan 218 s two and 146 s four (2026-12-06,
# all passing). By 2026-12-07 (1,631 tests) the waiting no longer leaves
# the cores idle: four at a time took 128 s in CI and used 261 s of CPU
# here (about 0.37 s per daemon, 0.08 s per `user add` and per login for
# Argon2, the rest node), so more at a time would not help.
# A daemon's first start on a new file ran all migrations (~0.1 s of a core)
# and `user add` an Argon2id hash (~0.08 s), ~360 and ~450 times a check: a
# run's files now share one migrated template database and one hash per
# test password, both made by the binary under test in the run's folder
# (tests/run-files.mjs, SPKIOSK_TEST_RUN_DIR); tests/api/db-shortcuts.mjs
# says how, and how a test opts out (SPKIOSK_TEST_SHORTCUTS=0 for a run).
# The whole suite here (2026-12-07, one binary, load 6-15): 245-262 s of
# CPU before, 206-222 s after.
# check-tsan keeps one at a time. The longest files first
# (tests/run-files.mjs; CI's run of 2026-12-07): by name, rate (37 s, most
# of it the 30 s grace of a call) and schedule (29 s) started late.
API_JOBS ?= 4
API_FIRST = rate schedule auth auth-throttle notify http-conns floods metrics admin-save-full flood
api: $(BUILD)/spkiosk $(BUILD)/powercut.so $(BUILD)/powercut-undo $(FASTHASH_SO)
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) node tests/run-files.mjs --concurrency=$(API_JOBS) tests/api \
	  $(API_FIRST:%=tests/api/%.test.mjs)

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the two man
# pages, the sample library (copied into /var/lib/spkiosk by the unit's first
# start), the systemd units (the daemon; the daily backup and the library's
# pull, each with its timer), the sysusers.d user, the service's
# configuration file and the units' shared sandbox drop-in, linked into the
# daemon's and the backup's drop-in folders (docs/deployment.md, "Install",
# "A database elsewhere"). Debian keeps units in
# /lib/systemd/system, so PREFIX=/usr puts them there; another prefix keeps
# them under itself (/usr/local/lib/systemd/system is on systemd's path too).
# The configuration goes to /etc/spkiosk whatever the prefix (the unit names
# it with --config), and an existing one is never overwritten: it is the
# hall's (sandbox.conf alike). uninstall removes exactly what install wrote,
# the two files of /etc/spkiosk only when they are still as installed.
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
BINDIR       = $(PREFIX)/bin
DATADIR      = $(PREFIX)/share
MANDIR       = $(DATADIR)/man
UNITDIR      = $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR  = $(PREFIX)/lib/sysusers.d
CONF         = $(SYSCONFDIR)/spkiosk/spkiosk.conf
# the folders both the daemon and the backup may write (a `db` moved out of
# /var/lib/spkiosk): one file of the hall's, read by systemd as a drop-in of
# each unit through a link in its drop-in folder. Not spkiosk-.service.d:
# that prefix folder reaches spkiosk-backup and spkiosk-pull but never
# spkiosk.service, whose name has no dash (systemd.unit(5))
SANDBOX      = $(SYSCONFDIR)/spkiosk/sandbox.conf
SANDBOX_UNITS = spkiosk.service spkiosk-backup.service
PROC_FILES   = $(shell find procedures -type f 2>/dev/null | LC_ALL=C sort)
UNITS_IN     = spkiosk.service spkiosk-backup.service
UNITS_AS_IS  = spkiosk-backup.timer spkiosk-pull.service spkiosk-pull.timer
INSTALL      = install

$(BUILD)/%.service: dist/%.service.in Makefile | $(BUILD)/obj
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@CONF@|$(CONF)|g' \
	  $< >$@.tmp && mv $@.tmp $@

# the service's configuration: the example with every key (dist/spkiosk.conf,
# all at their defaults) and the three the service needs set
$(BUILD)/spkiosk.conf: dist/spkiosk.conf Makefile | $(BUILD)/obj
	{ echo "# $(CONF): the configuration of spkiosk.service, which reads it with"; \
	  echo "# --config. Edit, then \`spkiosk serve --config $(CONF) --check-config\`"; \
	  echo "# and \`systemctl restart spkiosk\`. listen, db and procedures are set for the"; \
	  echo "# service below; every other key is at its default, commented out."; \
	  echo; \
	  sed -e 's|^#listen = .*|listen = 127.0.0.1:8080|' \
	      -e 's|^#db = .*|# the nightly backup (spkiosk-backup.service) copies this one too; a folder\
# other than /var/lib/spkiosk needs ReadWritePaths= in both units\
# (docs/deployment.md, "A database elsewhere")\
db = /var/lib/spkiosk/spkiosk.db|' \
	      -e 's|^#procedures = .*|procedures = /var/lib/spkiosk/procedures|' $<; } >$@.tmp && mv $@.tmp $@

# the units name PREFIX's paths: made anew each time, PREFIX may differ.
# (spkiosk.conf's text is a conffile's: a change to it, a comment's too,
# has dpkg ask every hall that edited theirs at the upgrade. Its db comment
# still sends to "A database elsewhere", which names sandbox.conf.)
# deps first, then the build in a make of its own (as run does): on a fresh
# Debian 12 server, `make install` is the IT officer's first command
# (docs/deployment.md, Install), and without the libraries and pkg-config
# it stopped at the first #include; pkg-config's flags are read when make
# starts, so the build that follows deps is a new make
install: deps
	@$(MAKE) --no-print-directory $(BUILD)/spkiosk
	@rm -f $(UNITS_IN:%=$(BUILD)/%) $(BUILD)/spkiosk.conf
	@$(MAKE) --no-print-directory $(UNITS_IN:%=$(BUILD)/%) $(BUILD)/spkiosk.conf
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/spkiosk
	$(INSTALL) -m 0755 $(BUILD)/spkiosk $(DESTDIR)$(BINDIR)/spkiosk
	$(INSTALL) -m 0644 man/spkiosk.1 $(DESTDIR)$(MANDIR)/man1/spkiosk.1
	$(INSTALL) -m 0644 man/spkiosk-procedures.5 $(DESTDIR)$(MANDIR)/man5/spkiosk-procedures.5
	$(INSTALL) -m 0644 $(UNITS_IN:%=$(BUILD)/%) $(UNITS_AS_IS:%=dist/%) $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 0644 dist/spkiosk.sysusers $(DESTDIR)$(SYSUSERSDIR)/spkiosk.conf
	@if [ -e $(DESTDIR)$(CONF) ]; then \
	  echo "kept $(DESTDIR)$(CONF) as it is (the new one: $(BUILD)/spkiosk.conf)"; \
	else \
	  $(INSTALL) -m 0644 $(BUILD)/spkiosk.conf $(DESTDIR)$(CONF) && echo "installed $(DESTDIR)$(CONF)"; \
	fi
	@if [ -e $(DESTDIR)$(SANDBOX) ]; then \
	  echo "kept $(DESTDIR)$(SANDBOX) as it is (the new one: dist/spkiosk-sandbox.conf)"; \
	else \
	  $(INSTALL) -m 0644 dist/spkiosk-sandbox.conf $(DESTDIR)$(SANDBOX) && echo "installed $(DESTDIR)$(SANDBOX)"; \
	fi
	@for u in $(SANDBOX_UNITS); do \
	  $(INSTALL) -d $(DESTDIR)$(UNITDIR)/$$u.d && \
	  ln -sfn $(SANDBOX) $(DESTDIR)$(UNITDIR)/$$u.d/spkiosk-sandbox.conf || exit 1; \
	done
	@for f in $(PROC_FILES); do \
	  $(INSTALL) -D -m 0644 "$$f" "$(DESTDIR)$(DATADIR)/spkiosk/$$f" || exit 1; \
	done
	@echo "installed the sample library in $(DESTDIR)$(DATADIR)/spkiosk/procedures"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/spkiosk $(DESTDIR)$(MANDIR)/man1/spkiosk.1 \
	  $(DESTDIR)$(MANDIR)/man5/spkiosk-procedures.5 $(UNITS_IN:%=$(DESTDIR)$(UNITDIR)/%) \
	  $(UNITS_AS_IS:%=$(DESTDIR)$(UNITDIR)/%) $(DESTDIR)$(SYSUSERSDIR)/spkiosk.conf \
	  $(SANDBOX_UNITS:%=$(DESTDIR)$(UNITDIR)/%.d/spkiosk-sandbox.conf)
	@for u in $(SANDBOX_UNITS); do rmdir $(DESTDIR)$(UNITDIR)/$$u.d 2>/dev/null || true; done
	@if cmp -s dist/spkiosk-sandbox.conf $(DESTDIR)$(SANDBOX); then rm -f $(DESTDIR)$(SANDBOX); \
	elif [ -e $(DESTDIR)$(SANDBOX) ]; then echo "kept $(DESTDIR)$(SANDBOX): it was edited"; fi
	@rm -f $(BUILD)/spkiosk.conf && $(MAKE) --no-print-directory $(BUILD)/spkiosk.conf
	@if cmp -s $(BUILD)/spkiosk.conf $(DESTDIR)$(CONF); then \
	  rm -f $(DESTDIR)$(CONF); rmdir $(DESTDIR)$(SYSCONFDIR)/spkiosk 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONF) ]; then echo "kept $(DESTDIR)$(CONF): it was edited"; fi
	@for f in $(PROC_FILES); do rm -f "$(DESTDIR)$(DATADIR)/spkiosk/$$f" || exit 1; done
	@[ ! -d $(DESTDIR)$(DATADIR)/spkiosk ] || \
	  find $(DESTDIR)$(DATADIR)/spkiosk -depth -type d -empty -delete
	@echo "removed spkiosk from $(DESTDIR)$(PREFIX)"

# The install test (tests/install/): install into a temporary DESTDIR and
# check every file, the man pages, the unit (systemd-analyze), the installed
# binary, uninstall; and the systemd notifications. A minute at most.
check-install: $(BUILD)/spkiosk
	sh tests/install/install.sh $(BUILD)
	python3 tests/install/notify.py $(BUILD)/spkiosk

# The district database (contrib/district) in a real PostgreSQL 15 the test
# starts; skipped, saying why, when PostgreSQL is not installed.
district: $(BUILD)/spkiosk
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) node --test --test-concurrency=1 tests/district/

# The Debian package (debian/, docs/deployment.md "The Debian package"):
# `make deb` builds build/deb/spkiosk_VERSION_ARCH.deb from a copy of the tree
# and runs lintian on it (3-4 min here, the unit tests included);
# `make deb-check` installs it in a throw-away bookworm root, starts it as its
# unit would, requests the kiosk and a procedure, removes and purges it,
# installs it as a server without internet would (docs/deployment.md), then
# boots systemd 252 as PID 1 of its own namespaces over a second root and
# does it again under systemd, the backup unit and a moved database included
# (root needed; it builds first, then 1-2.5 min from the cached root, which the
# first run makes with mmdebstrap over the network). Neither is in `make check`.
DEB_VERSION = $(shell sh scripts/deb-version.sh)
DEB_FILE    = build/deb/spkiosk_$(DEB_VERSION)_$(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null).deb
deb:
	@sh scripts/deps.sh deb
	sh scripts/deb.sh build/deb
deb-check: deb
	sh tests/deb/deb-check.sh $(DEB_FILE)

# Browser tests. `make e2e-shots` also writes the screens' pictures to
# $(BUILD)/e2e-shots (not committed; docs/img copies some of them): 261
# full-page pictures took 0.35 s of a browser each, and check does without.
# Four files at a time, each with its own daemon. On 2026-12-06 (fewer
# files) one at a time took 317 s, two 193-223 s, three 171 s. By 2026-12-07
# the suite was CPU-bound on two cores (CPU pressure 51 %): three and four
# files each took 424 s while every file launched its own chromium; with one
# chromium for all (below), on the dev build, two took 453 s, three 398 s
# (384 s in a fresh clone), four 374 s, each passing all 479. Where the
# CPU goes (2026-12-07, 501 tests: about 780 s of CPU here, where CI took
# 351 s on two cores): chromium's renderers 45 %, its browser process
# 20 %, its gpu process 6 %, node 15 %, the playwright server 5 %, the
# daemons 7 %. A new context with its first page costs about 0.9 s of
# CPU, another page load in a kept one 0.3 s (kioskPage's reuse), an axe
# run 0.07 s, a second of waiting 0.02-0.07 s: a fixed hold costs the run
# little, since the other files take the core it leaves. The daemons start
# on the run's migrated template and users share cached hashes, as in the
# HTTP tests (tests/api/db-shortcuts.mjs, above `api`). Node costs ~1.1 s
# of CPU per file: small files are folded into a file of their theme, a
# describe each with its own daemon (20 files into tickets, staff-marks,
# admin-saves, kiosk-changes, workdays, review-screen, procedure-page and
# staff-desk on 12-07; each under 15 s here, so they run by name).
E2E_JOBS ?= 4
# The longest files first (tests/run-files.mjs), the rest by name after
# them: by name, long files (the staff window's minute, web, work,
# walkthrough) started in the last fifth, and the run's last minutes had
# two or three files running, not four. Longest in CI's run of 2026-12-07
# (fc35c) first; a file missing from the list only starts later. The last
# three were merged from short files on 12-07 (staff-races: five, phone:
# six, staff-focus: five), not measured on CI: about 25-60 s each here.
E2E_FIRST = staff keypad a11y display admin focus-clear staff-stale evaluators lost-link-hall web \
            fresh ready-list rate admin-practice walkthrough work updated owed-papers visit-home-fill \
            followup print phone-ask visit devices-reconnect layout staff-races phone staff-focus
E2E_RUN  = node tests/run-files.mjs --concurrency=$(E2E_JOBS) tests/e2e $(E2E_FIRST:%=tests/e2e/%.test.mjs)
# One chromium serves every file (tests/e2e/browser-server.mjs).
e2e: $(BUILD)/spkiosk $(FASTHASH_SO) node_modules/.package-lock.json
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) node tests/e2e/browser-server.mjs $(E2E_RUN)
e2e-shots: $(BUILD)/spkiosk $(FASTHASH_SO) node_modules/.package-lock.json
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) SHOTS=$(abspath $(BUILD)/e2e-shots) \
	  node tests/e2e/browser-server.mjs $(E2E_RUN)

# The summary of docs/performance.md: bench/all.mjs runs the set (short
# settings, under 5 minutes) and prints one table of issue #13's targets
# (build/bench/summary.md); BENCH_FULL=1 adds 10,000 procedures, BENCH_GROWTH=1
# makes the growth table instead (build/bench/growth.md, about 25 minutes).
# store_search's time without HTTP (bench/search-time.c, docs/performance.md)
$(BUILD)/search-time: bench/search-time.c $(BUILD)/libspk.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libspk.a $(LDFLAGS) $(LDLIBS)

bench: build/spkiosk
	sh scripts/deps.sh bench
	node bench/all.mjs

# The floods of docs/reliability.md §15 (slowloris, slow body, slow read,
# many addresses) against fresh daemons while a fresh address is timed:
# three rounds, under 3 minutes; slowhttptest from Debian.
bench-attack: $(BUILD)/spkiosk
	sh scripts/deps.sh bench-attack
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) node bench/attack/floods.mjs --rounds 3

# The kiosk's measured sizes of docs/kiosk.md (text, targets, contrast).
measure: $(BUILD)/spkiosk node_modules/.package-lock.json
	SPKIOSK_BIN=$(abspath $(BUILD)/spkiosk) node tools/measure-kiosk.mjs

# The sample library is checked first so that the test runners' summaries
# are the last lines printed.
# The build and the unit binaries compile two at a time (the machine has two
# cores; serial, they were a fifth of the ten minutes), the suites after it
# one after another.
check: deps-e2e
	@$(MAKE) --no-print-directory -j2 all $(UNIT_BIN)
	$(BUILD)/spkiosk check procedures
	@$(MAKE) --no-print-directory check-install unit api district e2e

check-asan: deps-e2e
	@$(MAKE) --no-print-directory -j2 BUILD=build/asan SAN=1 all $(UNIT_BIN:$(BUILD)/%=build/asan/%)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(MAKE) --no-print-directory BUILD=build/asan SAN=1 all unit api e2e

# The unit, HTTP, district and browser tests with the clock moved (faketime)
# to the days that broke tests run on the real one: a Monday morning in UTC,
# a weekend, a Friday, New Year's Eve, next January, seven months on. Not
# part of check (about 50 min; SUITES="unit api" about 20); run it when a
# test reads today's date or the weekday, and in December. DAYS="INSTANT,
# ..." picks others (anything `date -d` reads; commas between them, since an
# instant holds spaces).
check-days: deps-test deps-e2e node_modules/.package-lock.json
	@$(MAKE) --no-print-directory -j2 all $(UNIT_BIN) $(BUILD)/powercut.so $(BUILD)/powercut-undo
	SUITES="$(SUITES)" DAYS="$(DAYS)" sh scripts/check-days.sh $(abspath $(BUILD)/spkiosk)

# The HTTP and CLI tests against a ThreadSanitizer build (not part of check:
# about 7 min, one file at a time since TSan slows the daemon 5-15x). Reports
# go to files, not to the daemon's standard error that the tests read; any
# report fails the target. tests/tsan.supp says why each suppression is not
# a race.
check-tsan: deps-test
	@$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread all build/tsan/powercut.so build/tsan/powercut-undo
	rm -rf build/tsan/reports && mkdir -p build/tsan/reports
	TSAN_OPTIONS="suppressions=$(abspath tests/tsan.supp) log_path=$(abspath build/tsan/reports/tsan) halt_on_error=0 exitcode=0" \
	  $(MAKE) --no-print-directory BUILD=build/tsan SAN=thread API_JOBS=1 api; r=$$?; \
	  if ls build/tsan/reports/tsan.* >/dev/null 2>&1; then cat build/tsan/reports/tsan.*; \
	    echo "check-tsan: $$(ls build/tsan/reports | wc -l) daemon(s) reported races (above)"; exit 1; fi; \
	  exit $$r

# The unit tests under valgrind memcheck (not part of check: about 15 min on
# 2 cores). A plain build of its own; every child Criterion starts is traced.
VALGRIND = valgrind --quiet --trace-children=yes --error-exitcode=99 --leak-check=full \
           --errors-for-leak-kinds=definite --show-leak-kinds=definite --num-callers=30
check-valgrind:
	@sh scripts/deps.sh valgrind
	UNIT_WRAP="$(VALGRIND)" $(MAKE) --no-print-directory BUILD=build/vg unit

# libFuzzer harnesses (tests/fuzz/): the parsers are compiled from source
# with clang so that libFuzzer sees their coverage. Each runs from a fresh
# copy of its seed corpus (new inputs stay out of the tree) with its
# dictionary, tests/fuzz/dict/NAME.dict (scripts/fuzz-one.sh).
#   make fuzz                    each in turn, FUZZ_SECONDS
#   make fuzz-ci                 each FUZZ_SECONDS, two at a time; fails on a crash
#   make fuzz-depth FUZZ_RUNS=N  each (or FUZZERS=...) to N executions, a row
#                                per harness appended to build/fuzz/depth.md
FUZZERS      = procedure triage directory field cjktok validate practice calendar posts bodies http \
               idmask
FUZZ_SECONDS ?= 30
FUZZ_RUNS    ?= 10000000
FUZZ_SRC     = src/diag.c src/strbuf.c src/utf8.c src/frontmatter.c src/marker.c src/field.c \
               src/procedure.c src/render.c src/triage.c src/directory.c src/mdlimit.c src/cjktok.c \
               src/validate.c src/text.c src/mdtext.c src/pinyin.c src/posts.c src/practice.c src/workdays.c \
               src/bodies.c src/httpin.c src/hosts.c src/token.c src/xff.c src/hall.c src/idmask.c \
               build/gen/pinyin.c
# the sources compiled once with coverage, each harness links them
FUZZ_OBJ     = $(patsubst src/%.c,build/fuzz/obj/%.o,$(filter src/%,$(FUZZ_SRC))) build/fuzz/obj/gen_pinyin.o
FUZZ_CFLAGS  = -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Iinclude -Ibuild/fuzz $(PKG_CFLAGS) \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined
build/fuzz/obj/%.o: src/%.c | build/fuzz/obj/.dir
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
build/fuzz/obj/gen_pinyin.o: build/gen/pinyin.c | build/fuzz/obj/.dir
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) build/fuzz/routes.inc | build/fuzz/.dir
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)
build/fuzz/obj/.dir:
	mkdir -p $(@D) && touch $@
# the route patterns of src/api.c, for fuzz_http to match paths against
build/fuzz/routes.inc: src/api.c | build/fuzz/.dir
	sed -n 's/^ *{"[A-Z]*", \("[^"]*"\),.*/    \1,/p' $< >$@.tmp && test -s $@.tmp && mv $@.tmp $@
build/fuzz/.dir:
	mkdir -p $(@D) && touch $@

fuzz:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS:%=build/fuzz/fuzz_%)
	@for f in $(FUZZERS); do sh scripts/fuzz-one.sh $$f seconds $(FUZZ_SECONDS); done

fuzz-ci:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS:%=build/fuzz/fuzz_%)
	@printf '%s\n' $(FUZZERS) | xargs -P 2 -I NAME sh scripts/fuzz-one.sh NAME seconds $(FUZZ_SECONDS)

fuzz-depth:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS:%=build/fuzz/fuzz_%)
	sh scripts/fuzz-depth.sh $(FUZZ_RUNS) $(FUZZERS)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(BUILD)/obj/main.d $(wildcard build/fuzz/obj/*.d)
