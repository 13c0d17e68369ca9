import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Navigation } from './model/navigation';
import type { Screen } from './model/route';

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ navigation, children }: { navigation: Navigation; children: ReactNode }) {
  return <NavigationContext.Provider value={navigation}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation outside NavigationProvider');
  return navigation;
}

/** What the page shows: the route in the hash and the view drawn under it; changes with links, back/forward and typed URLs. */
export function useScreen(): Screen {
  const navigation = useNavigation();
  return useSyncExternalStore(navigation.subscribe, navigation.current);
}
