// Category colours, shared by the grid's boxes and the sample view.

export const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

/** A category's own colour (panoptic's `color`), else one of the palette's. */
export function colourOf(category, i) {
  return Array.isArray(category?.color) ? `rgb(${category.color.join(',')})` : COLOURS[i % COLOURS.length];
}
