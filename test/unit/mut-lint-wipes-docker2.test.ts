/**
 * rules/wipes-docker (src/core/lint/rules/wipesDocker.ts), the script shapes around the flush: the daemon stopped
 * (and started again) around it, `iptables-save | grep -v DOCKER | iptables-restore`, `netfilter-persistent flush`.
 * Expected answers written from what each command does on a running Docker host before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { raw } from './mut-lint-helpers';

const CODE = 'rules/wipes-docker';
/** 1-based lines of the findings. */
const lines = (text: string): number[] => raw(text, CODE).map((d) => d.span.line + 1);

// the stop / start forms of systemd, SysV init and snap, as "reset the firewall" scripts write them (spacing as typed)
const STOPS = ['systemctl stop docker', 'systemctl  stop  docker.service', 'systemctl stop docker.socket', 'sudo systemctl stop docker', 'service docker stop', 'service  docker  stop', '/etc/init.d/docker stop', '/etc/init.d/docker  stop', 'snap stop docker', 'snap  stop  docker'];
const STARTS = ['systemctl start docker', 'systemctl restart docker', 'systemctl  start  docker.service', 'service docker start', 'service  docker  restart', '/etc/init.d/docker start', '/etc/init.d/docker  restart', 'snap start docker', 'snap  restart  docker'];

test('wipes-docker: a flush while the script has stopped Docker is not reported (Docker recreates its chains at start); after it starts again it is', () => {
  for (const stop of STOPS) {
    assert.deepEqual(lines(`${stop}\niptables -F\niptables -t nat -F\n`), [], stop);
    for (const start of STARTS) assert.deepEqual(lines(`${stop}\n${start}\niptables -F\n`), [3], `${stop} / ${start}`);
  }
  // not a stop of the Docker daemon: dockerd's own unit name differs, a container stop is not the daemon
  assert.deepEqual(lines('systemctl stop dockerd-rootless\niptables -F\n'), [2]);
  assert.deepEqual(lines('docker stop web\niptables -F\n'), [2]);
  assert.deepEqual(lines('systemctl status docker\niptables -F\n'), [2]);
});

test('wipes-docker: only lines before the flush count; a stop or start written in a comment does not', () => {
  // the start comes after the flush on the same line: the flush still ran while Docker was stopped
  assert.deepEqual(lines('systemctl stop docker\niptables -F && systemctl start docker\n'), []);
  // a stop on a later line does not protect an earlier flush
  assert.deepEqual(lines('iptables -F\nsystemctl stop docker\n'), [1]);
  // commented-out commands are not run
  assert.deepEqual(lines('# systemctl stop docker\niptables -F\n'), [2]);
  assert.deepEqual(lines('systemctl stop docker\n# then: systemctl start docker\niptables -F\n'), []);
  assert.deepEqual(lines('systemctl stop docker # systemctl start docker later\niptables -F\n'), []);
});

const FILTERED = "This pipes iptables-save through a filter back into iptables-restore, which flushes every table it loads: the lines the filter removed (here Docker's chains and jumps) are gone on a running Docker host until the daemon restarts and recreates its rules. Edit your own rules instead (DOCKER-USER is yours), or use iptables-restore --noflush.";

test('wipes-docker: iptables-save filtered back into iptables-restore (no --noflush), in the spellings scripts use', () => {
  // zh-firewall-manager style (test/fixtures/lint/holdout3), and the same pipeline as others type it
  const reported = [
    'iptables-save | grep -v DOCKER | iptables-restore',
    'iptables-save|grep -v DOCKER|iptables-restore',
    'iptables-save  |  grep -v DOCKER  |  iptables-restore',
    'iptables-save -t filter | egrep -v "DOCKER|f2b" | iptables-restore',
    "iptables-save | sed '/DOCKER/d' | iptables-restore",
    'sudo iptables-save | grep -v DOCKER | sudo iptables-restore',
    'sudo iptables-save | grep -v DOCKER |  sudo  iptables-restore',
    'iptables-save | grep -v DOCKER | iptables-restore -w',
    'iptables-save | grep -v DOCKER | iptables-restore; echo -n done',
    'iptables-save | grep -v DOCKER | iptables-restore && echo --noflush',
  ];
  for (const l of reported) {
    const ds = raw(`#!/bin/sh\n${l}\n`, CODE);
    assert.deepEqual(ds.map((d) => [d.span.line, d.span.start, d.span.end, d.severity]), [[1, 0, l.length, 'warning']], l);
    assert.equal(ds[0].message, FILTERED);
  }
  const quiet = [
    'iptables-save | grep -v DOCKER | iptables-restore -n',
    'iptables-save | grep -v DOCKER | iptables-restore --noflush',
    'iptables-save | grep -v DOCKER | iptables-restore -w 5 --noflush',
    'iptables-save | grep -v f2b- | iptables-restore', // no Docker line removed
    'iptables-save | grep DOCKER > /tmp/docker.rules', // no restore
    'iptables-save > /tmp/rules; grep -v DOCKER /tmp/rules | iptables-restore', // not one save-grep-restore pipeline
    'iptables-save | iptables-restore # grep -v DOCKER', // no filter
    '# iptables-save | grep -v DOCKER | iptables-restore',
  ];
  for (const l of quiet) assert.deepEqual(lines(`#!/bin/sh\n${l}\n`), [], l);
  // while the script has Docker stopped, the pipeline loses nothing Docker will not recreate
  assert.deepEqual(lines('systemctl stop docker\niptables-save | grep -v DOCKER | iptables-restore\nsystemctl start docker\n'), []);
});

const PERSIST = "netfilter-persistent flush empties every table on a running Docker host: Docker's filter chains, its nat rules (published ports) and the Swarm ingress rules are gone until the daemon restarts and recreates them. Flush only your own chains, or stop Docker around it.";

test('wipes-docker: netfilter-persistent flush once the script has Docker (Debian/Ubuntu provisioning scripts), in its spellings', () => {
  const forms = ['netfilter-persistent flush', '  netfilter-persistent flush', 'sudo netfilter-persistent flush', 'sudo  netfilter-persistent  flush', '/usr/sbin/netfilter-persistent flush', 'sudo /usr/sbin/netfilter-persistent flush', 'service netfilter-persistent flush', 'service  netfilter-persistent flush', 'invoke-rc.d netfilter-persistent flush', 'invoke-rc.d  netfilter-persistent  flush'];
  for (const f of forms) {
    const ds = raw(`apt-get install -y docker-ce\n${f}\n`, CODE);
    assert.deepEqual(ds.map((d) => [d.span.line, d.span.start, d.span.end, d.severity, d.message]), [[1, 0, f.length, 'warning', PERSIST]], f);
    // before Docker is installed or started, the flush empties nothing of Docker's
    assert.deepEqual(lines(`${f}\napt-get install -y docker-ce\n`), [], f);
  }
  for (const f of ['netfilter-persistent save', 'echo netfilter-persistent flush', 'netfilter-persistent flushall-not', '# netfilter-persistent flush']) {
    assert.deepEqual(lines(`systemctl start docker\n${f}\n`), [], f);
  }
  // Docker is mentioned only in a comment: not there yet
  assert.deepEqual(lines('# Docker comes later\nnetfilter-persistent flush\n'), []);
  // "docker" as a word, any case (the service, the package)
  assert.deepEqual(lines('systemctl enable Docker\nnetfilter-persistent flush\n'), [2]);
  assert.deepEqual(lines('usermod -aG dockerusers bob\nnetfilter-persistent flush\n'), []);
  // Docker stopped around the flush
  assert.deepEqual(lines('systemctl stop docker\nnetfilter-persistent flush\nsystemctl start docker\n'), []);
  assert.deepEqual(lines('systemctl start docker\nnetfilter-persistent flush\nnetfilter-persistent flush\n'), [2, 3]);
});
