import type { RoutesPlugin } from '../../http/route-kit';
import type { OrdersService } from './orders.service';

export const ordersRoutes: RoutesPlugin<{ orders: OrdersService }> = async () => {};
