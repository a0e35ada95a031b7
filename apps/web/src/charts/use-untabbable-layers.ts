import { type RefObject, useEffect } from 'react';

const LAYER = 'g[class^="recharts-zIndex-layer_"]:not([tabindex])';

/**
 * Keeps recharts' z-index layer groups out of the tab order. recharts renders into them with React portals, React
 * puts focus listeners on every portal container, and Chromium makes an SVG element with focus listeners
 * focusable, so each chart adds a handful of invisible tab stops. recharts 3.11 dropped the `tabindex="-1"` it used
 * to set on them (recharts#7805, for the focus ring a click drew, which charts.css hides instead); this puts it
 * back on layers as they appear.
 */
export function useUntabbableChartLayers(root: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = root.current;
    if (element === null) return;
    const mark = () => {
      for (const layer of element.querySelectorAll(LAYER)) layer.setAttribute('tabindex', '-1');
    };
    mark();
    const observer = new MutationObserver(mark);
    observer.observe(element, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [root]);
}
