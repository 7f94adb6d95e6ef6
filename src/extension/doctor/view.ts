/**
 * The findings view: networks → nodes → findings (./group.ts), then what was skipped and why. A finding's click
 * reveals the tree item it is about; its context menu opens the evidence and offers the fix.
 */
import * as vscode from 'vscode';
import type { DoctorReport, Finding } from '../../core/doctor/types';
import { groupFindings, type NetworkGroup, type NodeGroup } from './group';

export type DoctorElement =
  | { kind: 'network'; group: NetworkGroup }
  | { kind: 'node'; network: string; group: NodeGroup }
  | { kind: 'finding'; finding: Finding }
  | { kind: 'skipped'; lines: string[] }
  | { kind: 'line'; text: string };

const ICON: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' } as Record<Finding['severity'], string>;
const count = (n: number): string => `${n} finding${n === 1 ? '' : 's'}`;

export class DoctorViewProvider implements vscode.TreeDataProvider<DoctorElement> {
  private readonly changed = new vscode.EventEmitter<DoctorElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  report: DoctorReport | undefined;

  /** Shows a report; `order` (the Nodes view's order) names its nodes in that order ("this machine" first). */
  show(report: DoctorReport, order: readonly string[] = []): void {
    const rank = (n: string): number => (order.includes(n) ? order.indexOf(n) : order.length);
    this.report = { ...report, nodes: [...report.nodes].sort((a, b) => rank(a) - rank(b)) };
    this.changed.fire(undefined);
  }

  getChildren(e?: DoctorElement): DoctorElement[] {
    const r = this.report;
    if (!r) return [];
    if (!e) {
      const nets: DoctorElement[] = groupFindings(r.findings).map((group) => ({ kind: 'network', group }));
      const skipped = r.skipped.map((s) => `${s.check}${s.node ? ` on ${s.node}` : ''}: ${s.reason}`);
      if (r.findings.length === 0) nets.unshift({ kind: 'line', text: `No finding on ${r.nodes.join(', ')} (${r.checks.length} check${r.checks.length === 1 ? '' : 's'})` });
      return skipped.length ? [...nets, { kind: 'skipped', lines: skipped }] : nets;
    }
    if (e.kind === 'network') return e.group.nodes.map((group) => ({ kind: 'node', network: e.group.network, group }));
    if (e.kind === 'node') return e.group.findings.map((finding) => ({ kind: 'finding', finding }));
    if (e.kind === 'skipped') return e.lines.map((text) => ({ kind: 'line', text }));
    return [];
  }

  getTreeItem(e: DoctorElement): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    if (e.kind === 'network') {
      const item = new vscode.TreeItem(e.group.network, C.Expanded);
      item.description = count(e.group.nodes.reduce((s, n) => s + n.findings.length, 0));
      item.iconPath = new vscode.ThemeIcon('type-hierarchy');
      return item;
    }
    if (e.kind === 'node') {
      const item = new vscode.TreeItem(e.group.node, C.Expanded);
      item.description = count(e.group.findings.length);
      item.iconPath = new vscode.ThemeIcon('server');
      return item;
    }
    if (e.kind === 'finding') {
      const f = e.finding;
      const item = new vscode.TreeItem(f.code, C.None);
      item.description = f.message;
      item.tooltip = `${f.message}\n\nSymptom: ${f.symptom}${f.fix ? `\n\nFix: ${f.fix.title} (on ${f.fix.node}, after confirmation)` : ''}`;
      item.iconPath = new vscode.ThemeIcon(ICON[f.severity] ?? 'info');
      item.contextValue = f.fix ? 'doctorFinding.fixable' : 'doctorFinding';
      item.command = { command: 'swarmnet.doctor.reveal', title: 'Reveal in Nodes', arguments: [e] };
      return item;
    }
    if (e.kind === 'skipped') {
      const item = new vscode.TreeItem(`Skipped (${e.lines.length})`, C.Collapsed);
      item.iconPath = new vscode.ThemeIcon('circle-slash');
      return item;
    }
    const item = new vscode.TreeItem(e.text, C.None);
    item.tooltip = e.text;
    return item;
  }
}
