/**
 * Holdout 47 (test/fixtures/lint/holdout47): rule sets from committed files in public repositories in the code store,
 * of kinds and search strings earlier rounds did not use — committed iptables-save files and -S/-L/-nvL listings in
 * notes, blogs and test fixtures, Makefiles, systemd and build scripts, installers writing ufw after.rules, DinD
 * entrypoints, programs (JavaScript, Python), runbooks, ADRs and lab notes that write into Docker's own chains — with
 * expectations written before the linter was run on them (docs/lint-holdout47.md). Checked for format and independence
 * from the earlier sets and from holdout 46 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(47, { sibling: 46, findingsShare: true });
