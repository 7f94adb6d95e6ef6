/** One way to build a TreeItem from a descriptor: label, id, and the optional parts. */
import * as vscode from 'vscode';

export interface ItemParts {
  id: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: string | vscode.ThemeIcon;
  contextValue?: string;
  expand?: boolean | 'expanded';
  command?: vscode.Command;
}

export function treeItem(label: string, p: ItemParts): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  const item = new vscode.TreeItem(label, p.expand === 'expanded' ? C.Expanded : p.expand ? C.Collapsed : C.None);
  item.id = p.id;
  item.description = p.description;
  item.tooltip = p.tooltip;
  if (p.icon) item.iconPath = typeof p.icon === 'string' ? new vscode.ThemeIcon(p.icon) : p.icon;
  item.contextValue = p.contextValue;
  item.command = p.command;
  return item;
}

/** A tooltip only when it adds something to what the row already shows. */
export function addedTooltip(shown: (string | undefined)[], lines: (string | undefined)[]): string | undefined {
  const seen = shown.filter(Boolean).join(' ');
  const extra = lines.filter((l): l is string => Boolean(l) && !seen.includes(l as string));
  return extra.length ? extra.join('\n') : undefined;
}
