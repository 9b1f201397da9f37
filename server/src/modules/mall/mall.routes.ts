import type { RoutesPlugin } from '../../http/route-kit';
import type { MallService } from './mall.service';

export const mallRoutes: RoutesPlugin<{ mall: MallService }> = async () => {};
