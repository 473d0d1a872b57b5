/**
 * Chart colours come from the VS Code theme at runtime: VS Code sets
 * `--vscode-*` variables and a `vscode-light` / `vscode-dark` /
 * `vscode-high-contrast` class on the body, and changes both on a theme switch.
 */

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  tooltipBackground: string;
  tooltipForeground: string;
  tooltipBorder: string;
  blue: string;
  green: string;
  red: string;
  yellow: string;
  orange: string;
  purple: string;
}

function read(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const foreground = read(style, '--vscode-foreground', '#cccccc');
  return {
    foreground,
    muted: read(style, '--vscode-descriptionForeground', foreground),
    grid: read(style, '--vscode-charts-lines', read(style, '--vscode-panel-border', 'rgba(128, 128, 128, 0.35)')),
    fontFamily: read(style, '--vscode-font-family', 'sans-serif'),
    fontSize: parseFloat(read(style, '--vscode-font-size', '13')) || 13,
    tooltipBackground: read(style, '--vscode-editorHoverWidget-background', '#252526'),
    tooltipForeground: read(style, '--vscode-editorHoverWidget-foreground', foreground),
    tooltipBorder: read(style, '--vscode-editorHoverWidget-border', '#454545'),
    blue: read(style, '--vscode-charts-blue', '#3794ff'),
    green: read(style, '--vscode-charts-green', '#89d185'),
    red: read(style, '--vscode-charts-red', '#f14c4c'),
    yellow: read(style, '--vscode-charts-yellow', '#cca700'),
    orange: read(style, '--vscode-charts-orange', '#d18616'),
    purple: read(style, '--vscode-charts-purple', '#b180d7'),
  };
}

/** Calls `onChange` once per animation frame after the theme class or the variables change. */
export function watchTheme(onChange: () => void): MutationObserver {
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange();
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}
