/** Backend filters: choose the `<dynamic>` backend's URL, host or scheme. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import {
  setDynamicBackendHost, setDynamicBackendHostFromHeader, setDynamicBackendScheme, setDynamicBackendSchemeFromHeader,
  setDynamicBackendUrl, setDynamicBackendUrlFromHeader,
} from './dynamic-backend.ts';

/** The backend family; it needs nothing from the process. */
export function backendFilters(): FilterSpec[] {
  return [
    setDynamicBackendUrl, setDynamicBackendHost, setDynamicBackendScheme,
    setDynamicBackendUrlFromHeader, setDynamicBackendHostFromHeader, setDynamicBackendSchemeFromHeader,
  ];
}
