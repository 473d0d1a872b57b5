/**
 * A few VS Code themes as the `--vscode-*` variables VS Code puts on a
 * webview's `<html>`, so the harness page looks and re-colours like the real panel.
 * Values from Dark Modern, Light Modern and Dark High Contrast.
 */
export type ThemeKind = 'dark' | 'light' | 'high-contrast';

const common: Record<string, string> = {
  'font-family': 'system-ui, -apple-system, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
};

export const THEMES: Record<ThemeKind, { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...common,
      foreground: '#cccccc', descriptionForeground: '#9d9d9d', 'editor-background': '#1f1f1f', 'editorWidget-background': '#202020',
      'widget-border': '#313131', 'panel-border': '#2b2b2b', focusBorder: '#0078d4', contrastBorder: 'transparent', contrastActiveBorder: 'transparent',
      'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
      'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
      'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', 'settings-dropdownListBorder': '#454545',
      'input-background': '#313131', 'input-foreground': '#cccccc', 'input-placeholderForeground': '#989898',
      'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#2a2d2e',
      'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'progressBar-background': '#0078d4',
      'editorHoverWidget-background': '#202020', 'editorHoverWidget-foreground': '#cccccc', 'editorHoverWidget-border': '#454545',
      'inputValidation-infoBackground': '#063b49', 'inputValidation-infoBorder': '#007acc',
      'inputValidation-warningBackground': '#352a05', 'inputValidation-warningBorder': '#b89500',
      'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100',
      'panelTitle-activeForeground': '#cccccc', 'panelTitle-inactiveForeground': '#9d9d9d', 'panelTitle-activeBorder': '#0078d4', 'panel-background': '#181818',
      'charts-foreground': '#cccccc', 'charts-lines': 'rgba(204, 204, 204, 0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
      'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'scrollbarSlider-background': '#79797966', 'scrollbarSlider-hoverBackground': '#646464b3', 'scrollbarSlider-activeBackground': '#bfbfbf66',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...common,
      foreground: '#3b3b3b', descriptionForeground: '#3b3b3b', 'editor-background': '#ffffff', 'editorWidget-background': '#f8f8f8',
      'widget-border': '#e5e5e5', 'panel-border': '#e5e5e5', focusBorder: '#005fb8', contrastBorder: 'transparent', contrastActiveBorder: 'transparent',
      'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
      'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
      'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'settings-dropdownListBorder': '#cecece',
      'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-placeholderForeground': '#767676',
      'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'list-hoverBackground': '#f2f2f2',
      'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'progressBar-background': '#005fb8',
      'editorHoverWidget-background': '#f8f8f8', 'editorHoverWidget-foreground': '#3b3b3b', 'editorHoverWidget-border': '#c8c8c8',
      'inputValidation-infoBackground': '#d6ecf2', 'inputValidation-infoBorder': '#007acc',
      'inputValidation-warningBackground': '#f6f5d2', 'inputValidation-warningBorder': '#b89500',
      'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100',
      'panelTitle-activeForeground': '#3b3b3b', 'panelTitle-inactiveForeground': '#3b3b3b', 'panelTitle-activeBorder': '#005fb8', 'panel-background': '#f8f8f8',
      'charts-foreground': '#616161', 'charts-lines': 'rgba(97, 97, 97, 0.5)', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
      'scrollbarSlider-background': '#64646466', 'scrollbarSlider-hoverBackground': '#646464b3', 'scrollbarSlider-activeBackground': '#00000099',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...common,
      foreground: '#ffffff', descriptionForeground: '#ffffffb3', 'editor-background': '#000000', 'editorWidget-background': '#0c141f',
      'widget-border': '#6fc3df', 'panel-border': '#6fc3df', focusBorder: '#f38518', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518',
      'button-background': '#000000', 'button-foreground': '#ffffff', 'button-hoverBackground': '#000000', 'button-border': '#6fc3df',
      'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#000000',
      'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'settings-dropdownListBorder': '#6fc3df',
      'input-background': '#000000', 'input-foreground': '#ffffff', 'input-placeholderForeground': '#ffffffb3',
      'list-activeSelectionBackground': '#000000', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#000000',
      'badge-background': '#000000', 'badge-foreground': '#ffffff', 'progressBar-background': '#6fc3df',
      'editorHoverWidget-background': '#0c141f', 'editorHoverWidget-foreground': '#ffffff', 'editorHoverWidget-border': '#6fc3df',
      'inputValidation-infoBackground': '#000000', 'inputValidation-infoBorder': '#6fc3df',
      'inputValidation-warningBackground': '#000000', 'inputValidation-warningBorder': '#6fc3df',
      'inputValidation-errorBackground': '#000000', 'inputValidation-errorBorder': '#6fc3df',
      'panelTitle-activeForeground': '#ffffff', 'panelTitle-inactiveForeground': '#ffffff', 'panelTitle-activeBorder': '#f38518', 'panel-background': '#000000',
      'charts-foreground': '#ffffff', 'charts-lines': 'rgba(255, 255, 255, 0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
      'charts-yellow': '#ffd700', 'charts-orange': '#ff8c00', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'scrollbarSlider-background': '#6fc3df99', 'scrollbarSlider-hoverBackground': '#6fc3dfcc', 'scrollbarSlider-activeBackground': '#6fc3df',
    },
  },
};
