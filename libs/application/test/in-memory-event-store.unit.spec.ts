import { describeEventStoreBehaviour } from '@orkestra/testing';
import { InMemoryEventStore } from '../src/index.js';

const store = new InMemoryEventStore();

describeEventStoreBehaviour('the in-memory event store', () => store);
