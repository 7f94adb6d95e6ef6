/**
 * Holdout 47 (test/fixtures/lint/holdout47): rule sets from public repositories in the code store of kinds earlier
 * rounds used least — programs in Python, TypeScript, C#, PowerShell, Rust, OCaml, Nix, Terraform and Puppet, READMEs,
 * docs and wikis of self-hosted apps, incident and fix write-ups, course notes, firewall tools' test data, and committed
 * -S / -L listings — with expectations written before the linter was run on them (docs/lint-holdout47.md). Checked for
 * format and independence from the earlier sets and from holdout 46 (same round); the score is printed
 * (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(47, { sibling: 46, findingsShare: true });
