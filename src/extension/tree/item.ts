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
