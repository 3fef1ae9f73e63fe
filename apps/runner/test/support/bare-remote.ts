export { bareRemote } from '@orkestra/testing';
