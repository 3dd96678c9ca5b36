import { useEffect, useRef, useState } from 'react';

/**
 * A pin on an offline world map (ECharts over Natural Earth outlines from world-atlas, both bundled: nothing is
 * fetched from a tile server, which would tell a third party where the evidence points). The charting code loads when
 * a map is first shown, not with the app.
 */
export function GpsMap({ lat, lon }: { lat: number; lon: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let disposed = false;
    let dispose: (() => void) | undefined;
    void (async () => {
      try {
        const [echarts, components, charts, renderers, topo, topojson] = await Promise.all([
          import('echarts/core'),
          import('echarts/components'),
          import('echarts/charts'),
          import('echarts/renderers'),
          import('world-atlas/countries-110m.json'),
          import('topojson-client'),
        ]);
        if (disposed || !ref.current) return;
        echarts.use([components.GeoComponent, components.TooltipComponent, charts.ScatterChart, renderers.CanvasRenderer]);
        if (!echarts.getMap('world')) {
          const world = (topo as unknown as { default?: unknown }).default ?? topo;
          const t = world as Parameters<typeof topojson.feature>[0] & { objects: { countries: Parameters<typeof topojson.feature>[1] } };
          echarts.registerMap('world', topojson.feature(t, t.objects.countries) as never);
        }
        const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
        chart.setOption({
          animation: false,
          tooltip: { trigger: 'item', formatter: () => `${lat.toFixed(5)}, ${lon.toFixed(5)}` },
          geo: {
            map: 'world',
            roam: true,
            center: [lon, lat],
            zoom: 6,
            itemStyle: { areaColor: '#e8edf3', borderColor: '#9aa8b8' },
            emphasis: { disabled: true },
          },
          series: [{ type: 'scatter', coordinateSystem: 'geo', data: [[lon, lat]], symbolSize: 16, itemStyle: { color: '#b42318', borderColor: '#ffffff', borderWidth: 2 } }],
        });
        dispose = () => chart.dispose();
      } catch {
        if (!disposed) setFailed(true);
      }
    })();
    return () => {
      disposed = true;
      dispose?.();
    };
  }, [lat, lon]);

  if (failed) return <p className="muted">The map could not be drawn; the position is {lat.toFixed(5)}, {lon.toFixed(5)}.</p>;
  return <div ref={ref} className="media-map" role="img" aria-label={`World map with a pin at latitude ${lat.toFixed(5)}, longitude ${lon.toFixed(5)}`} data-testid="gps-map" />;
}
