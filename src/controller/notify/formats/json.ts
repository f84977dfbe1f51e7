// Format json: the notification's facts as they are, with a version for receivers to check.
import { listedKinds, type NotificationFormat } from './format.ts';

export const jsonFormat: NotificationFormat = {
  wants: listedKinds,
  body: ({ notification }) => JSON.stringify({ version: 1, ...notification }),
};
