import { selectNodes, selectProfiles, type FleetView } from '../domain/fleet-view.js';

/*
 * The nodes a restart plan or an alert is about, plus the owners of the accounts they
 * hold: the fix the plan proposes is "sync from the owner", so the owner's bar belongs
 * beside the expired one in the same picture. Pure.
 */
export function concernedNodes(view: FleetView, nodes: readonly string[]): string[] {
  const names = new Set(nodes);
  for (const node of view.nodes) {
    if (!nodes.includes(node.name)) continue;
    for (const cell of node.profiles) if (cell.owner) names.add(cell.owner);
  }
  // In the fleet's own order, so the same nodes always come out the same way.
  return view.nodes.map((node) => node.name).filter((name) => names.has(name));
}

/**
 * The concerned nodes whole; a node brought in only as an owner, just its own copies of the
 * accounts the concerned nodes hold (a missing copy counts: the owner's is what a sync would
 * bring). Its other accounts, and copies of accounts someone else owns, are not what the
 * plan or alert is about, and would push the rows that are off a small picture.
 */
export function viewOfConcerned(view: FleetView, nodes: readonly string[]): FleetView {
  const held = new Set(view.nodes.filter((node) => nodes.includes(node.name)).flatMap((node) => node.profiles.map((cell) => cell.profileId)));
  return selectProfiles(selectNodes(view, concernedNodes(view, nodes)), (node, cell) => nodes.includes(node.name) || (cell.isOwner && held.has(cell.profileId)));
}

/** `t440`, `t440 (and owner pc-a)`, `3 nodes`: what a small picture is about, in its title. */
export function concernedScope(view: FleetView, nodes: readonly string[]): string {
  const owners = concernedNodes(view, nodes).filter((name) => !nodes.includes(name));
  const asked = nodes.length <= 2 ? nodes.join(', ') : `${nodes.length} nodes`;
  return owners.length === 0 ? asked : `${asked} (and owner${owners.length === 1 ? '' : 's'} ${owners.length <= 2 ? owners.join(', ') : owners.length})`;
}
