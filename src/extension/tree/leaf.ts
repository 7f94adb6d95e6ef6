/** Leaf kinds: an address (traceable) and plain information. */
import type { Descriptor } from './types';
import { treeItem } from './item';

export const address: Descriptor<'address'> = {
  item: (e) => treeItem(e.label, { id: e.id, description: e.description, tooltip: e.tooltip, icon: 'symbol-numeric', contextValue: 'address' }),
};

export const info: Descriptor<'info'> = {
  item: (e) => treeItem(e.label, { id: e.id, description: e.description, tooltip: e.tooltip, icon: e.icon, expand: Boolean(e.children?.length) }),
  children: (e) => e.children ?? [],
};
