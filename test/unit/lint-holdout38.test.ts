/**
 * Holdout 38 (test/fixtures/lint/holdout38): rule sets from issue threads, documentation and discussions of
 * self-hosting projects other than moby/docker itself — mailcow, Pterodactyl/Wings and Pelican game-server hosts,
 * Portainer, n8n, Nextcloud AIO, CrowdSec's firewall bouncer, Shieldwall, fwknop, a Jellyfin homelab, a VM host running
 * Docker — with listings pasted into bug reports (-L -vn, ip6tables) for the save/-S share, and expectations written
 * before the linter was run on them (docs/lint-holdout38.md). Checked for format and independence from the earlier sets
 * and from holdout 39 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(38, { sibling: 39, findingsShare: true });
